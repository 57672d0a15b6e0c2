import { useState } from 'react';
import { Button, Card, Col, Form, Input, message, Row, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import type { Session } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useProblemForm } from '../../components/useProblemForm';
import { useNetwork } from './shared';

/** GET /api/lockers/:id (its OpenAPI answer is untyped). */
interface LockerDetail {
  id: string;
  code: string;
  compartments: { id: string; label: string; size: string; state: string }[];
}

/** Inline "rename": a small form per row, Enter saves. */
function Rename({
  label,
  value,
  onSave,
}: {
  label: string;
  value: string;
  onSave: (name: string) => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(value);
  return (
    <Space.Compact>
      <Input
        size="small"
        aria-label={`${t('admin.network.rename')} ${label}`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onPressEnter={() => void onSave(name)}
        style={{ width: 180 }}
      />
      <Button size="small" onClick={() => void onSave(name)} disabled={name === value}>
        {t('common.save')}
      </Button>
    </Space.Compact>
  );
}

function Lockers() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [lockerId, setLockerId] = useState<string>();
  const { problem, setProblem, showProblem } = useProblemForm();
  const lockers = useQuery({ queryKey: ['lockers'], queryFn: () => ok(api.GET('/api/lockers')) });
  const locker = useQuery({
    queryKey: ['locker', lockerId],
    enabled: Boolean(lockerId),
    queryFn: async () =>
      (await ok(
        api.GET('/api/lockers/{id}', { params: { path: { id: lockerId! } } }),
      )) as unknown as LockerDetail,
  });
  const setState = useMutation({
    mutationFn: (c: { id: string; state: string }) =>
      ok(
        api.PATCH('/api/lockers/{id}/compartments/{compartmentId}', {
          params: { path: { id: lockerId!, compartmentId: c.id } },
          body: { state: c.state === 'out_of_service' ? 'free' : 'out_of_service' },
        }),
      ),
    onSuccess: () => {
      setProblem(null);
      void qc.invalidateQueries({ queryKey: ['locker', lockerId] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
    onError: showProblem,
  });
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.network.lockers')}</h2>}>
      <ProblemAlert problem={problem} onClose={() => setProblem(null)} />
      <Select
        aria-label={t('admin.network.pickLocker')}
        placeholder={t('admin.network.pickLocker')}
        style={{ width: 220, marginBottom: 12 }}
        value={lockerId}
        onChange={setLockerId}
        options={(lockers.data ?? []).map((l) => ({ value: l.id, label: l.code }))}
      />
      {locker.data ? (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={locker.data.compartments}
          columns={[
            { title: t('admin.network.compartments'), dataIndex: 'label' },
            { title: 'S/M/L', dataIndex: 'size' },
            {
              title: t('admin.network.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <Tag color={s === 'out_of_service' ? '#a8071a' : s === 'free' ? '#237804' : '#0958d9'}>
                  {t(`admin.network.states.${s}`)}
                </Tag>
              ),
            },
            {
              title: t('common.actions'),
              render: (_, c: { id: string; label: string; state: string }) =>
                c.state === 'free' || c.state === 'out_of_service' ? (
                  <Button
                    size="small"
                    onClick={() => setState.mutate(c)}
                    aria-label={`${c.label} ${c.state === 'free' ? t('admin.network.outOfService') : t('admin.network.backInService')}`}
                  >
                    {c.state === 'free' ? t('admin.network.outOfService') : t('admin.network.backInService')}
                  </Button>
                ) : null,
            },
          ]}
        />
      ) : null}
    </Card>
  );
}

export function NetworkTab({ session }: { session: Session }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const admin = session.role === 'admin';
  const regionForm = useProblemForm<{ code: string; name: string }>();
  const campusForm = useProblemForm<{ code: string; name: string; regionId: string }>();
  const pointForm = useProblemForm<{ code: string; name: string; campusId: string; address?: string }>();
  const changed = (key: string) => {
    void message.success(t('admin.network.saved'));
    void qc.invalidateQueries({ queryKey: [key] });
    void qc.invalidateQueries({ queryKey: ['audit'] });
  };
  const rename = async (
    path: '/api/regions/{id}' | '/api/campuses/{id}' | '/api/pickup-points/{id}',
    id: string,
    name: string,
    key: string,
    form: { showProblem: (e: unknown) => void },
  ) => {
    try {
      await ok(api.PATCH(path, { params: { path: { id } }, body: { name } }));
      changed(key);
    } catch (err) {
      form.showProblem(err);
    }
  };
  const required = [{ required: true, message: t('validation.required') }];
  const title = (s: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{s}</h2>;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.regions'))}>
          <ProblemAlert problem={regionForm.problem} onClose={() => regionForm.setProblem(null)} />
          {admin ? (
            <Form
              form={regionForm.form}
              layout="inline"
              style={{ marginBottom: 12 }}
              onFinish={async (v) => {
                try {
                  await ok(api.POST('/api/regions', { body: v }));
                  regionForm.form.resetFields();
                  regionForm.setProblem(null);
                  changed('regions');
                } catch (err) {
                  regionForm.showProblem(err);
                }
              }}
            >
              <Form.Item name="code" label={t('admin.network.code')} rules={required}>
                <Input style={{ width: 90 }} />
              </Form.Item>
              <Form.Item name="name" label={t('admin.network.name')} rules={required}>
                <Input style={{ width: 140 }} />
              </Form.Item>
              <Button htmlType="submit">{t('admin.network.add')}</Button>
            </Form>
          ) : null}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={net.regions}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, r: { id: string; name: string; code: string }) =>
                  admin ? (
                    <Rename
                      label={r.code}
                      value={r.name}
                      onSave={(n) => rename('/api/regions/{id}', r.id, n, 'regions', regionForm)}
                    />
                  ) : (
                    r.name
                  ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.campuses'))}>
          <ProblemAlert problem={campusForm.problem} onClose={() => campusForm.setProblem(null)} />
          <Form
            form={campusForm.form}
            layout="inline"
            style={{ marginBottom: 12 }}
            onFinish={async (v) => {
              try {
                await ok(api.POST('/api/campuses', { body: v }));
                campusForm.form.resetFields();
                campusForm.setProblem(null);
                changed('campuses');
              } catch (err) {
                campusForm.showProblem(err);
              }
            }}
          >
            <Form.Item name="code" label={t('admin.network.code')} rules={required}>
              <Input style={{ width: 90 }} />
            </Form.Item>
            <Form.Item name="name" label={t('admin.network.name')} rules={required}>
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="regionId" label={t('admin.network.region')}>
              <Select
                style={{ width: 130 }}
                options={net.regions.map((r) => ({ value: r.id, label: r.name }))}
              />
            </Form.Item>
            <Button htmlType="submit">{t('admin.network.add')}</Button>
          </Form>
          <Table<Schemas['CampusView']>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 8 }}
            dataSource={net.campuses}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, c: { id: string; name: string; code: string }) => (
                  <Rename
                    label={c.code}
                    value={c.name}
                    onSave={(n) => rename('/api/campuses/{id}', c.id, n, 'campuses', campusForm)}
                  />
                ),
              },
              {
                title: t('admin.network.region'),
                render: (_, c: { regionId: string }) => net.regionName(c.regionId),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.points'))}>
          <ProblemAlert problem={pointForm.problem} onClose={() => pointForm.setProblem(null)} />
          <Form
            form={pointForm.form}
            layout="inline"
            style={{ marginBottom: 12 }}
            onFinish={async (v) => {
              try {
                await ok(api.POST('/api/pickup-points', { body: v }));
                pointForm.form.resetFields();
                pointForm.setProblem(null);
                changed('pickup-points');
              } catch (err) {
                pointForm.showProblem(err);
              }
            }}
          >
            <Form.Item name="code" label={t('admin.network.code')} rules={required}>
              <Input style={{ width: 90 }} />
            </Form.Item>
            <Form.Item name="name" label={t('admin.network.name')} rules={required}>
              <Input style={{ width: 130 }} />
            </Form.Item>
            <Form.Item name="campusId" label={t('admin.network.campus')}>
              <Select
                style={{ width: 130 }}
                options={net.campuses.map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
            <Button htmlType="submit">{t('admin.network.add')}</Button>
          </Form>
          <Table<Schemas['PickupPointView']>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 8 }}
            dataSource={net.points.filter((p) => admin || net.campuses.some((c) => c.id === p.campusId))}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, p: { id: string; name: string; code: string }) => (
                  <Rename
                    label={p.code}
                    value={p.name}
                    onSave={(n) => rename('/api/pickup-points/{id}', p.id, n, 'pickup-points', pointForm)}
                  />
                ),
              },
              {
                title: t('admin.network.campus'),
                render: (_, p: { campusId: string }) => net.campusName(p.campusId),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Lockers />
      </Col>
    </Row>
  );
}
