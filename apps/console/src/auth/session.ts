/** The signed-in user, kept for this browser tab's session only (sessionStorage). */
export interface Session {
  token: string;
  kind: 'user' | 'customer';
  /** The signed-in account's id (a staff user's or a customer's). */
  userId?: string;
  role: string;
  name: string;
  /** Staff: the sign-in name (to sign in again after a password change). */
  username?: string;
  /** Signed in with a temporary password: only the password change screen until it is changed. */
  mustChangePassword?: boolean;
  agentId?: string | null;
  regionId?: string | null;
  campusId?: string | null;
  pickupPointId?: string | null;
}

const KEY = 'campus.session';

export function readSession(): Session | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function writeSession(session: Session): void {
  window.sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  window.sessionStorage.removeItem(KEY);
}

/** The screen each role lands on. */
export function homeOf(role: string): string {
  switch (role) {
    case 'call_center':
      return '/call-centre';
    case 'agent':
      return '/agent';
    case 'pickup_staff':
      return '/pickup';
    case 'regional_manager':
    case 'admin':
      return '/manager';
    default:
      return '/my-orders';
  }
}
