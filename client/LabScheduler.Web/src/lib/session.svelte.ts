// The signed-in user and their settings (language, time zone), kept in sessionStorage.
export interface Me {
  id: string; displayName: string; timeZone: string; language?: string; roles?: string[];
  teams?: string[]; managedLabs?: string[]; memberState?: string;
}

const TOKEN = 'labsched.token';

class Session {
  token = $state<string | null>(sessionStorage.getItem(TOKEN));
  me = $state<Me | null>(null);
  /** A language picked before signing in: saved to the user's settings once signed in. */
  pendingLanguage: string | null = null;

  signIn(token: string) {
    sessionStorage.setItem(TOKEN, token);
    this.token = token;
  }

  signOut() {
    sessionStorage.removeItem(TOKEN);
    this.token = null;
    this.me = null;
  }

  get isAdmin() { return this.me?.roles?.includes('admin') ?? false; }
  get isManager() { return (this.me?.managedLabs?.length ?? 0) > 0 || this.isAdmin; }
}

export const session = new Session();
