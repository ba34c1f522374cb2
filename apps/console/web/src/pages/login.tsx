import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { navigate } from '../router';
import { ErrorBox, type Me } from '../ui';

/** The token is sent once to the console server, which keeps it in the session; the page forgets it. */
export function LoginPage({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<Error>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    api.post<Me>('/api/session', { token }).then(
      (me) => {
        setToken('');
        if (location.pathname === '/login' || location.pathname === '/') navigate('/models', true);
        onSignedIn(me);
      },
      (err: Error) => setError(err),
    );
  };
  return (
    <main id="main">
      <form className="login" onSubmit={submit}>
        <h1>Sign in to the Lynx console</h1>
        <label htmlFor="token">Lynx token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} required />
        <button type="submit" className="primary">
          Sign in
        </button>
        <p className="muted">The token is the one the CLI reads from LYNX_TOKEN. It stays in this session on the console server, never in the page or a URL.</p>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}
