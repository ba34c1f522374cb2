import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings that keep the registry's RSS under its 256 MB budget during a 1 GiB push on the
 * embedded database (bench/RESULTS.md, Registry). They matter only there: PGlite is Postgres
 * compiled to WebAssembly, run inside this process.
 * - Liftoff only: WebAssembly stays on V8's baseline compiler. Optimised code for the hot parts
 *   of Postgres, and the compilers' scratch memory glibc keeps after them, cost ~40 MB of idle
 *   RSS; queries run ~1.8× slower, which the served order index (migration 0003) more than pays.
 * - One background compile task: V8 otherwise compiles the 9 MB module on every core at once,
 *   each thread leaving its scratch memory in an arena of its own.
 * - A young generation that does not grow past its start size: it grew to 32 MB in a service
 *   whose requests allocate little and die young (~30 MB of idle RSS).
 * Set from code before the database is compiled, so every way of starting the registry (`npm
 * start`, the Docker image, tests, benches) gets them; V8 reads each when it next compiles or
 * collects.
 */
const REGISTRY_V8_FLAGS = ['--liftoff-only', '--wasm-num-compilation-tasks=1', '--semi-space-growth-factor=1'] as const;

export function applyRegistryV8Flags(): void {
  for (const flag of REGISTRY_V8_FLAGS) setFlagsFromString(flag);
}
