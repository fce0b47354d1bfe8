import { ROLES, type Role } from '@retain/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { PageHeader, SelectField } from '../components/controls.tsx';
import { type RecordColumn, RecordTable } from '../components/RecordTable.tsx';
import { QueryView } from '../components/states.tsx';
import { readableErrorMessage } from '../data/apiErrors.ts';
import { ROLE_LABELS } from '../data/auth.ts';
import { pagesFor } from '../data/pageAccess.ts';
import { formatDayTime } from '../format.ts';
import { useViewer } from '../hooks/useViewer.ts';
import { ROUTES } from '../routes.ts';
import { useTRPC } from '../trpc.ts';

const PASSWORD_MIN = 10;
const ROLE_OPTIONS = ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }));

/** Who may sign in, with which role: add people, reset a forgotten password, remove someone who left. */
export default function UsersPage() {
  const trpc = useTRPC();
  const users = useQuery(trpc.users.list.queryOptions());
  return (
    <section aria-labelledby="page-title">
      <PageHeader title="Users">
        <p className="muted">
          Who can sign in, and with which role. Every sign-in, change of users and export is in the audit log.
        </p>
      </PageHeader>
      <AddUser />
      <section className="card" aria-labelledby="users-title">
        <h2 id="users-title">People</h2>
        <QueryView query={users} label="the users" height={160}>
          {(list) => <UserTable users={list} />}
        </QueryView>
      </section>
      <RolesCard />
    </section>
  );
}

type User = { username: string; role: Role; createdAt: string; passwordSetAt: string };

function UserTable({ users }: { users: readonly User[] }) {
  const viewer = useViewer();
  const [resetting, setResetting] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const columns: RecordColumn<User>[] = [
    {
      key: 'user',
      label: 'User',
      rowHeader: true,
      cell: (u) => (
        <>
          {u.username}
          {u.username === viewer.username ? <span className="muted"> (you)</span> : null}
        </>
      ),
    },
    { key: 'role', label: 'Role', cell: (u) => ROLE_LABELS[u.role] },
    { key: 'added', label: 'Added', cell: (u) => formatDayTime(u.createdAt) },
    { key: 'password', label: 'Password set', cell: (u) => formatDayTime(u.passwordSetAt) },
    {
      key: 'actions',
      label: 'Actions',
      labelHidden: true,
      className: 'actions',
      cell: (u) => {
        const self = u.username === viewer.username;
        return resetting === u.username ? (
          <ResetPassword username={u.username} onDone={() => setResetting(null)} />
        ) : removing === u.username ? (
          <RemoveUser username={u.username} onDone={() => setRemoving(null)} />
        ) : (
          <div className="row">
            <button
              type="button"
              className="small"
              onClick={() => {
                setRemoving(null);
                setResetting(u.username);
              }}
            >
              Reset password<span className="visually-hidden"> of {u.username}</span>
            </button>
            <button
              type="button"
              className="small"
              disabled={self}
              title={self ? 'You cannot remove yourself' : undefined}
              onClick={() => {
                setResetting(null);
                setRemoving(u.username);
              }}
            >
              Remove<span className="visually-hidden"> {u.username}</span>
            </button>
          </div>
        );
      },
    },
  ];
  return (
    <RecordTable
      label="People who can sign in"
      caption="Users"
      columns={columns}
      rows={users}
      rowKey={(u) => u.username}
      rowAttributes={(u) => ({ 'data-user': u.username })}
      testId="users-table"
    />
  );
}

function AddUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const add = useMutation(trpc.users.add.mutationOptions());
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('executive');
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const id = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(
      { username: username.trim(), role, password },
      {
        onSuccess: async (user) => {
          setAdded(`Added ${user.username} as ${ROLE_LABELS[user.role]}.`);
          setUsername('');
          setPassword('');
          await queryClient.invalidateQueries(trpc.users.list.queryFilter());
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add a user</h2>
      <form className="filters inline-form" onSubmit={submit} data-testid="add-user">
        <div className="field">
          <label htmlFor={`${id}-name`}>User name</label>
          <input
            id={`${id}-name`}
            type="text"
            required
            minLength={2}
            maxLength={64}
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="new-username"
          />
        </div>
        <SelectField label="Role" value={role} options={ROLE_OPTIONS} onChange={setRole} testId="new-role" />
        <div className="field">
          <label htmlFor={`${id}-password`}>Password (at least {PASSWORD_MIN} characters)</label>
          <input
            id={`${id}-password`}
            type="password"
            required
            minLength={PASSWORD_MIN}
            maxLength={200}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="new-password"
          />
        </div>
        <button type="submit" className="primary" disabled={add.isPending} data-testid="add-user-submit">
          {add.isPending ? 'Adding…' : 'Add user'}
        </button>
      </form>
      <p role="status" className="muted" data-testid="add-user-status">
        {added ?? ''}
      </p>
      {add.isError ? (
        <p role="alert" className="form-error" data-testid="add-user-error">
          {readableErrorMessage(add.error)}
        </p>
      ) : null}
    </section>
  );
}

function ResetPassword({ username, onDone }: { username: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(trpc.users.resetPassword.mutationOptions());
  const [password, setPassword] = useState('');
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reset.mutate(
      { username, password },
      {
        onSuccess: async () => {
          await queryClient.invalidateQueries(trpc.users.list.queryFilter());
          onDone();
        },
      },
    );
  };
  return (
    <form className="row" onSubmit={submit} aria-label={`New password for ${username}`}>
      <label className="visually-hidden" htmlFor={id}>
        New password for {username}
      </label>
      <input
        id={id}
        type="password"
        required
        minLength={PASSWORD_MIN}
        maxLength={200}
        autoComplete="new-password"
        placeholder={`New password, ${PASSWORD_MIN}+ characters`}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        // biome-ignore lint/a11y/noAutofocus: the field the admin just asked for
        autoFocus
      />
      <button type="submit" className="small primary" disabled={reset.isPending}>
        Set password
      </button>
      <button type="button" className="small" onClick={onDone}>
        Cancel
      </button>
      {reset.isError ? (
        <span role="alert" className="form-error">
          {readableErrorMessage(reset.error)}
        </span>
      ) : null}
    </form>
  );
}

function RemoveUser({ username, onDone }: { username: string; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(trpc.users.remove.mutationOptions());
  return (
    <div className="row">
      <span>Remove {username}? Their sessions end at once.</span>
      <button
        type="button"
        className="small danger"
        disabled={remove.isPending}
        // biome-ignore lint/a11y/noAutofocus: the confirmation the admin just asked for
        autoFocus
        onClick={() =>
          remove.mutate(
            { username },
            {
              onSuccess: async () => {
                await queryClient.invalidateQueries(trpc.users.list.queryFilter());
                onDone();
              },
            },
          )
        }
      >
        Remove
      </button>
      <button type="button" className="small" onClick={onDone}>
        Cancel
      </button>
      {remove.isError ? (
        <span role="alert" className="form-error">
          {readableErrorMessage(remove.error)}
        </span>
      ) : null}
    </div>
  );
}

/** What each role can open, from the same table the navigation uses. */
function RolesCard() {
  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles</h2>
      <ul className="role-list" data-testid="roles">
        {ROLES.map((role) => (
          <li key={role}>
            <strong>{ROLE_LABELS[role]}</strong>:{' '}
            {pagesFor(role)
              .map((path) => ROUTES.find((r) => r.path === path)?.label ?? path)
              .join(', ')}
            {role === 'analyst' ? ' (names, emails and phone numbers hidden)' : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
