/**
 * The mock's orgs, roles and users. Ids are stable across restarts so tokens, URLs and test fixtures can name them.
 * Demo logins are documented in docs/architecture.md; they exist only in this mock.
 */

export interface Ref {
  name: string;
  id: string;
}

export interface Org extends Ref {
  displayName: string;
  description: string;
  isProvider: boolean;
}

export interface Role extends Ref {
  /** Right URNs the role grants (vCD's AMQP security context carries rights, not roles). */
  rights: string[];
}

export interface User extends Ref {
  orgId: string;
  password: string;
  fullName: string;
  roleIds: string[];
}

export const SYSTEM_ORG: Org = {
  name: 'System',
  id: 'urn:vcloud:org:a93c9db9-7471-3192-8d09-a8f7eeda85f9',
  displayName: 'System',
  description: 'The provider organization',
  isProvider: true,
};

const right = (uuid: string) => `urn:vcloud:right:${uuid}`;
const TENANT_RIGHTS = [
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e01'), // Organization: View
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e02'), // vApp: View
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e03'), // vApp: Edit
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e04'), // UI Plugins: View
];
const PROVIDER_RIGHTS = [
  ...TENANT_RIGHTS,
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e10'), // UI Plugins: Define, Upload, Modify, Delete, Associate or Disassociate
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e11'), // Extension Services: Register, Modify, Unregister
  right('8bbc0b3d-3a1a-3b7a-8d5a-0c1c2a6c4e12'), // General: Administrator Control
];

export const ROLES = {
  orgAdmin: {
    name: 'Organization Administrator',
    id: 'urn:vcloud:role:ff1e0c91-1288-3664-82b7-a6fa303af4d1',
    rights: TENANT_RIGHTS,
  },
  sysAdmin: {
    name: 'System Administrator',
    id: 'urn:vcloud:role:67e119b7-083b-349e-8dfd-6cb41d5e0d2c',
    rights: PROVIDER_RIGHTS,
  },
} satisfies Record<string, Role>;

export interface Directory {
  orgs: Org[];
  roles: Role[];
  users: User[];
}

/** A fresh copy of the demo directory: orgs acme and globex (one tenant admin each) and the provider org System. */
export function createDemoDirectory(): Directory {
  const acme: Org = {
    name: 'acme',
    id: 'urn:vcloud:org:4a1e2c4e-7b8f-4d51-9a3e-2f6a1c0d0a01',
    displayName: 'ACME Corporation',
    description: 'Demo tenant',
    isProvider: false,
  };
  const globex: Org = {
    name: 'globex',
    id: 'urn:vcloud:org:9c2b7d10-3e55-4f2a-8b61-5d7e9f0b0b02',
    displayName: 'Globex Inc.',
    description: 'Demo tenant',
    isProvider: false,
  };
  return {
    orgs: [SYSTEM_ORG, acme, globex].map((o) => ({ ...o })),
    roles: Object.values(ROLES).map((r) => ({ ...r, rights: [...r.rights] })),
    users: [
      {
        name: 'admin',
        id: 'urn:vcloud:user:1d4c8a52-6f0e-4b1a-9e7d-3c2b1a0f0a11',
        orgId: acme.id,
        password: 'acme-demo',
        fullName: 'ACME Administrator',
        roleIds: [ROLES.orgAdmin.id],
      },
      {
        name: 'admin',
        id: 'urn:vcloud:user:7e3f9b21-0c4d-4e8a-b5f6-8a9d2c1e0b12',
        orgId: globex.id,
        password: 'globex-demo',
        fullName: 'Globex Administrator',
        roleIds: [ROLES.orgAdmin.id],
      },
      {
        name: 'administrator',
        id: 'urn:vcloud:user:2b6a0e33-9d1f-4c7b-a8e2-6f5d4c3b0c13',
        orgId: SYSTEM_ORG.id,
        password: 'provider-demo',
        fullName: 'System Administrator',
        roleIds: [ROLES.sysAdmin.id],
      },
    ],
  };
}

export const findOrgByName = (dir: Directory, name: string) =>
  dir.orgs.find((o) => o.name.toLowerCase() === name.toLowerCase());
export const findOrgById = (dir: Directory, id: string) => dir.orgs.find((o) => o.id === id);
export const tenantOrgs = (dir: Directory) => dir.orgs.filter((o) => !o.isProvider);
export const rolesOf = (dir: Directory, user: User) => dir.roles.filter((r) => user.roleIds.includes(r.id));

/** The uuid part of a vCD URN (`urn:vcloud:org:<uuid>` → `<uuid>`). */
export const uuidOf = (urn: string) => urn.slice(urn.lastIndexOf(':') + 1);
