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
  app.applyUpdate = () => {
    // The plugin reloads only when the page was already controlled at startup; on a first visit
    // the new worker takes over silently, so reload here too once it does (the user asked to).
    navigator.serviceWorker?.addEventListener('controllerchange', () => location.reload(), { once: true });
    void update(true);
  };
}
