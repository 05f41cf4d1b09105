"use client";
// The console's toasts: an action's result outlives the form that sent it (unlocking a customer
// replaces the Unlock button with Lock; removing a role removes its row), so forms hand their
// success here, to a region the console's frame keeps mounted across re-renders and navigations.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from "react";

type Notice = { id: number; text: string };
const NoticeContext = createContext<(text: string) => void>(() => {});

const SHOWN_MS = 10_000;
let nextId = 1;

export function ConsoleNotices({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const push = useCallback((text: string) => setNotices((list) => [...list.slice(-2), { id: nextId++, text }]), []);
  const dismiss = (id: number) => setNotices((list) => list.filter((n) => n.id !== id));
  useEffect(() => {
    if (!notices.length) return;
    const timer = setTimeout(() => setNotices((list) => list.slice(1)), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notices]);
  return (
    <NoticeContext.Provider value={push}>
      {children}
      <div role="status" aria-live="polite" className="fixed bottom-4 right-4 z-50 flex max-w-sm flex-col gap-2">
        {notices.map((n) => (
          <div key={n.id} className="flex items-start gap-3 rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800 shadow-lg dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
            <p className="flex-1">{n.text}</p>
            <button type="button" onClick={() => dismiss(n.id)} className="text-xs font-medium underline">
              Dismiss
            </button>
          </div>
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

type FormAction<S> = (prev: S, form: FormData) => Promise<S>;

/**
 * The action, telling its success as a toast when it resolves (not from an effect of the form: the
 * action's result and the page's new tree arrive in one commit, in which the form may be gone).
 */
export function useNotifyingAction<S extends { ok?: boolean; message?: string }>(action: FormAction<S>): FormAction<S> {
  const notify = useContext(NoticeContext);
  return useCallback(
    async (prev: S, form: FormData) => {
      const state = await action(prev, form);
      if (state.ok && state.message) notify(state.message);
      return state;
    },
    [action, notify],
  );
}
