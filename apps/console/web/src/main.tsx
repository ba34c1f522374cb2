import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api } from './api';
import { AuditPage } from './pages/audit';
import { CostsPage } from './pages/costs';
import { DriftPage } from './pages/drift';
import { LoginPage } from './pages/login';
import { ModelsPage } from './pages/models';
import { ShadowPage } from './pages/shadow';
import { TrafficPage } from './pages/traffic';
import { VersionPage } from './pages/version';
import { VersionsPage } from './pages/versions';
import { Link, navigate, useLocation } from './router';
import { MeContext, type Me } from './ui';
import './styles.css';

const MODEL_TABS = [
  ['versions', 'Versions'],
  ['traffic', 'Traffic'],
  ['drift', 'Drift'],
  ['shadow', 'Shadow'],
  ['costs', 'Costs'],
] as const;

function Page({ path }: { path: string }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'audit') return <AuditPage />;
  if (parts[0] === 'models' && parts[1]) {
    const model = parts[1];
    switch (parts[2]) {
      case 'versions':
        return parts[3] ? <VersionPage model={model} ref_={parts[3]} /> : <VersionsPage model={model} />;
      case 'traffic':
        return <TrafficPage model={model} />;
      case 'drift':
        return <DriftPage model={model} />;
      case 'shadow':
        return <ShadowPage model={model} />;
      case 'costs':
        return <CostsPage model={model} />;
      default:
        return <VersionsPage model={model} />;
    }
  }
  return <ModelsPage />;
}

function App() {
  const { path } = useLocation();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api.get<Me>('/api/session').then(setMe, () => setMe(null));
    const out = () => setMe(null);
    window.addEventListener('lynx:signed-out', out);
    return () => window.removeEventListener('lynx:signed-out', out);
  }, []);
  useEffect(() => {
    const model = /^\/models\/([^/]+)/.exec(path)?.[1];
    document.title = `Lynx console${model ? ` · ${decodeURIComponent(model)}` : ''}`;
  }, [path]);
  if (me === undefined) return <p>Loading…</p>;
  if (me === null) return <LoginPage onSignedIn={(m) => setMe(m)} />;
  const model = /^\/models\/([^/]+)/.exec(path)?.[1];
  const current = (to: string) => (path === to || (to !== '/' && path.startsWith(`${to}/`)) ? 'page' : undefined);
  return (
    <MeContext.Provider value={me}>
      <a className="sr-only" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/models" className="brand">
          Lynx console
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link to="/models" aria-current={path === '/models' || path === '/' ? 'page' : undefined}>
                Models
              </Link>
            </li>
            {model &&
              MODEL_TABS.map(([tab, label]) => (
                <li key={tab}>
                  <Link to={`/models/${model}/${tab}`} aria-current={current(`/models/${model}/${tab}`)}>
                    {label}
                  </Link>
                </li>
              ))}
            <li>
              <Link to="/audit" aria-current={current('/audit')}>
                Audit
              </Link>
            </li>
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.name} <span className="badge">{me.role}</span>
          </span>
          <button
            type="button"
            onClick={() => {
              void api.del('/api/session').finally(() => {
                setMe(null);
                navigate('/login');
              });
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Page path={path} />
      </main>
    </MeContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
