import type { Api } from './api.js';
import type { PluginManifest } from './types.js';

interface UiEntry {
  element: string;
  module: string;
}

/**
 * The review types the server's plugins registered, and their browser UIs. A type's module is imported
 * once, on first use (`import()` from this origin, allowed by `script-src 'self'`); it defines the custom
 * element named in the manifest. A type without a UI (or whose module fails to load) has none: the
 * dashboard then shows the request plainly.
 */
export class ReviewTypes {
  #manifests: PluginManifest[] = [];
  #ui = new Map<string, UiEntry>();
  #loading = new Map<string, Promise<string | undefined>>();
  #loaded: Promise<void> | undefined;

  constructor(private readonly api: Api) {}

  /** Loads the manifests once; a failure is not kept, so the next call tries again. */
  load(): Promise<void> {
    this.#loaded ??= this.api.plugins().then((manifests) => {
      this.#manifests = manifests;
      for (const plugin of manifests) {
        for (const type of plugin.reviewTypes) {
          if (type.ui?.module) this.#ui.set(type.type, { element: type.ui.element, module: type.ui.module });
        }
      }
    });
    this.#loaded.catch(() => {
      this.#loaded = undefined;
    });
    return this.#loaded;
  }

  get manifests(): readonly PluginManifest[] {
    return this.#manifests;
  }

  /** What people call `type` ("Approval"): its manifest's display name, else the type with a capital. */
  displayName(type: string): string {
    for (const plugin of this.#manifests) {
      const found = plugin.reviewTypes.find((t) => t.type === type);
      if (found?.displayName) return found.displayName;
    }
    const words = type.replace(/[-_]+/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  /** The custom element tag of `type`, once its module is loaded; undefined when it has no usable UI. */
  element(type: string): Promise<string | undefined> {
    let pending = this.#loading.get(type);
    if (!pending) {
      pending = this.load().then(async () => {
        const ui = this.#ui.get(type);
        if (!ui) return undefined;
        if (!customElements.get(ui.element)) {
          try {
            await import(/* @vite-ignore */ ui.module);
          } catch (error) {
            console.error(`Placet: the UI of review type "${type}" failed to load`, error);
            return undefined;
          }
        }
        return customElements.get(ui.element) ? ui.element : undefined;
      });
      this.#loading.set(type, pending);
      // The plugin list could not be read (a restart, a rate limit): ask again next time.
      pending.catch(() => this.#loading.delete(type));
    }
    return pending;
  }
}
