/** Chooses the screen from the app state: setup, lock screen, or the messenger. */
import { useApp } from './state/store.js';
import { useIdleLock } from './lib/use-idle-lock.js';
import { useShortcuts } from './lib/use-shortcuts.js';
import { ConversationList } from './views/ConversationList.js';
import { ConversationView } from './views/ConversationView.js';
import { SetupView } from './views/SetupView.js';
import { TopBar } from './views/TopBar.js';
import { UnlockView } from './views/UnlockView.js';
import { WelcomeView } from './views/WelcomeView.js';

function Notice() {
  const notice = useApp((s) => s.notice);
  const setNotice = useApp((s) => s.setNotice);
  if (!notice) return null;
  return (
    <div className="notice" role="alert">
      <span>{notice}</span>
      <button type="button" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
        ×
      </button>
    </div>
  );
}

export function App() {
  const status = useApp((s) => s.status);
  const welcome = useApp((s) => s.welcome);
  const unlocked = status?.state === 'unlocked';
  useIdleLock(unlocked);
  useShortcuts(unlocked);

  if (!status) {
    return (
      <main className="centered">
        <p role="status">Starting Parley…</p>
        <Notice />
      </main>
    );
  }
  if (status.state === 'needs-setup') return <SetupView />;
  if (status.state === 'locked') return <UnlockView status={status} />;
  if (welcome) return <WelcomeView identity={welcome} />;
  return (
    <div className="shell">
      <TopBar />
      <Notice />
      <div className="panes">
        <ConversationList />
        <ConversationView />
      </div>
    </div>
  );
}
