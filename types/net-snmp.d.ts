/** The slice of net-snmp (no bundled types) the mock vROps, the backend's trap receiver and their tests use. */
declare module 'net-snmp' {
  export const Version2c: number;
  export const ObjectType: { OctetString: number; Integer: number; OID: number; TimeTicks: number };
  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }
  export interface Session {
    trap(typeOrOid: string, varbinds: Varbind[], callback: (error: Error | null) => void): void;
    close(): void;
    on(event: 'error', listener: (error: Error) => void): void;
  }
  export function createSession(target: string, community: string, options?: { port?: number; trapPort?: number; version?: number; transport?: string }): Session;
  export interface Notification {
    pdu: { type: number; varbinds: Varbind[] };
    rinfo: { address: string; port: number };
  }
  export interface Authorizer {
    addCommunity(community: string): void;
  }
  export interface Receiver {
    close(callback?: () => void): void;
    getAuthorizer(): Authorizer;
  }
  export function createReceiver(
    options: { port: number; address?: string; transport?: string; disableAuthorization?: boolean },
    callback: (error: Error | null, notification: Notification | null) => void,
  ): Receiver;
}
