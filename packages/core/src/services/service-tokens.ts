import { type DependencyContainer, inject, injectable } from 'tsyringe';
import type { Token } from '../define-token.js';
import { PlacetError } from '../errors/placet-error.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import { TOKENS } from '../tokens.js';

/**
 * Services by token in the instance's own child container — the extension point plugins and hosts share:
 * plugins `provide` in `init`, anyone `resolve`s, and what the host passed to `createPlacet({ provide })`
 * is registered first and never replaced by a plugin.
 */
@injectable()
export class ServiceTokens {
  readonly #fromHost = new Set<symbol>();

  constructor(
    @inject(TOKENS.Container) private readonly scope: DependencyContainer,
    @inject(TOKENS.Options) options: ResolvedPlacetOptions,
  ) {
    for (const { token, value } of options.provide) {
      scope.register(token.key, { useValue: value });
      this.#fromHost.add(token.key);
    }
  }

  /** Registers `value` under `token` unless the host provided one. */
  provide<T>(token: Token<T>, value: T): void {
    if (this.#fromHost.has(token.key)) return;
    this.scope.register(token.key, { useValue: value });
  }

  resolve<T>(token: Token<T>): T {
    if (!this.scope.isRegistered(token.key)) {
      throw new PlacetError(
        'INTERNAL',
        `No service is provided for token "${token.name}": a plugin provides it in init, or the host in createPlacet({ provide })`,
      );
    }
    return this.scope.resolve<T>(token.key);
  }
}
