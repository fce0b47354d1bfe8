export { ACCESS_TABLES, accessTablesExist, ensureAccessTables, migrateAccessTables } from './accessTables.ts';
export { type AuditEntry, appendAudit, listAudit } from './audit.ts';
export { hashPassword, verifyPassword } from './passwords.ts';
export { createSession, endSession, SESSION_HOURS, sessionUser } from './sessions.ts';
export {
  addUser,
  countUsers,
  listUsers,
  removeUser,
  resetPassword,
  type User,
  verifyCredentials,
} from './users.ts';
