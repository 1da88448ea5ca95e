/** The API key in VS Code's SecretStorage. It is never written to settings or logs. */
import * as vscode from 'vscode';

export const SECRET_KEY = 'kimi-lsp.apiKey';

export class KimiSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    const value = await this.storage.get(SECRET_KEY);
    return value === undefined || value === '' ? undefined : value;
  }

  /** Stores `value`, or deletes the key when it is empty. */
  async set(value: string): Promise<void> {
    const key = value.trim();
    if (key === '') {
      await this.storage.delete(SECRET_KEY);
    } else {
      await this.storage.store(SECRET_KEY, key);
    }
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((event) => {
      if (event.key === SECRET_KEY) {
        listener();
      }
    });
  }
}
