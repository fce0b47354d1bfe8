import { DataPage } from './pages/DataPage.tsx';

export function App() {
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Retain</span>
      </header>
      <main className="content">
        <DataPage />
      </main>
    </div>
  );
}
