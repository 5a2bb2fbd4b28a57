// How components reach the one TrainerController that <tg-app> owns: through @lit/context.
// UseTrainer is the consumer side: it re-renders its host whenever the controller's state changes
// (the controller coalesces changes to at most one per animation frame).
import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TrainerController } from './trainer-controller';

export const trainerContext = createContext<TrainerController>(Symbol('tg-trainer'));

export class UseTrainer implements ReactiveController {
  value: TrainerController | undefined;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
    new ContextConsumer(host, {
      context: trainerContext,
      subscribe: true,
      callback: (trainer) => {
        this.value = trainer;
        this.listen();
        host.requestUpdate();
      },
    });
  }

  hostConnected(): void { this.listen(); }
  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private listen(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.value?.subscribe(() => this.host.requestUpdate()) ?? null;
  }
}
