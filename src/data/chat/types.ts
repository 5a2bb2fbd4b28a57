// Chat data shapes shared by SFT, the reward model and the built-in tasks. Types only.

export type Role = 'system' | 'user' | 'assistant';
export const ROLES: readonly Role[] = ['system', 'user', 'assistant'];

export interface ChatMessage {
  role: Role;
  content: string;
}

/** One supervised conversation; every assistant message is trained on. */
export interface ChatExample {
  messages: ChatMessage[];
}

/** Two whole conversations that share a prompt and differ in the final assistant reply. */
export interface PreferencePair {
  chosen: ChatMessage[];
  rejected: ChatMessage[];
}
