/// <reference types="vite-plugin-pwa/vanillajs" />
// Entry point: defines the UI and registers the service worker that makes TabGPT work offline.
// Updates are offered, never forced: registerType 'prompt' keeps a new version waiting until the
// user presses "Reload to update" (disabled while a run is going), so no run is ever cut short.
import { registerSW } from 'virtual:pwa-register';
import './ui/tg-app';

const app = document.querySelector('tg-app');
if (app) {
  const update = registerSW({
    immediate: true,
    onNeedRefresh() { app.updateReady = true; },
    onOfflineReady() { app.offlineReady(); },
    onRegisterError(e: unknown) {
      app.trainer.messages.error(`Offline support is unavailable: ${e instanceof Error ? e.message : String(e)}`);
    },
  });
  app.applyUpdate = async () => {
    // A page from a first visit is not controlled by the service worker, so a new version
    // activates without waiting and the plugin does not reload: then a plain reload loads it.
    // Otherwise reload once the waiting version is active (the plugin may reload first).
    const waiting = (await navigator.serviceWorker?.getRegistration())?.waiting;
    if (!waiting) {
      location.reload();
      return;
    }
    waiting.addEventListener('statechange', () => { if (waiting.state === 'activated') location.reload(); });
    await update(true);
  };
}
