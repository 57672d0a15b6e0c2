import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The auto-assignment in one statement (issue 18), owned by fulfilment: `fulfilment_agent_loads(campus,
 * statuses)` locks the campus's active agents (in id order) and only then counts each one's open
 * deliveries. A VOLATILE function's statements each take a fresh snapshot under READ COMMITTED, so
 * the count, taken after the locks are held, includes every assignment committed by whoever held
 * them before — what one plain statement cannot do (its snapshot predates its lock waits). The
 * caller's statement chooses from the rows and moves the order while the locks are held (until it
 * commits). Reads `agents` and `orders` only (fulfilment is a reader of both).
 */
export class AgentLoadsLocked1766000100000 implements MigrationInterface {
  name = 'AgentLoadsLocked1766000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION fulfilment_agent_loads(p_campus uuid, p_statuses text[])
        RETURNS TABLE (id uuid, last_assigned_at timestamptz, user_id uuid, phone text, open_deliveries int)
        LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM 1 FROM agents a WHERE a.campus_id = p_campus AND a.status = 'active' ORDER BY a.id FOR UPDATE;
        RETURN QUERY
          SELECT a.id, a.last_assigned_at, a.user_id, a.phone::text,
                 (SELECT count(*) FROM orders o
                   WHERE o.assigned_agent_id = a.id AND o.status = ANY(p_statuses))::int
            FROM agents a WHERE a.campus_id = p_campus AND a.status = 'active' ORDER BY a.id;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS fulfilment_agent_loads(uuid, text[])`);
  }
}
