// The app's visible message list: errors stay until dismissed, notices fade after a while.
// Text only: messages are rendered with Lit text bindings, never as HTML.

export interface AppMessage {
  id: number;
  kind: 'error' | 'notice';
  text: string;
  details: string[];
}

const NOTICE_MS = 10_000;
const MAX_MESSAGES = 6;

export class Messages {
  list: AppMessage[] = [];
  private next = 1;

  constructor(private readonly onChange: () => void) {}

  error(text: string, details: string[] = []): void { this.add('error', text, details); }

  notice(text: string): void {
    const id = this.add('notice', text, []);
    setTimeout(() => this.dismiss(id), NOTICE_MS);
  }

  dismiss(id: number): void {
    const before = this.list.length;
    this.list = this.list.filter((m) => m.id !== id);
    if (this.list.length !== before) this.onChange();
  }

  private add(kind: AppMessage['kind'], text: string, details: string[]): number {
    const id = this.next++;
    this.list = [...this.list, { id, kind, text, details }].slice(-MAX_MESSAGES);
    this.onChange();
    return id;
  }
}
