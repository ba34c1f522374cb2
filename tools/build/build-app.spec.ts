import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildEntry, buildApp } = require('./build-app.js') as {
  buildEntry(entry: string, outfile: string): Promise<{ outfile: string }>;
  buildApp(name: string, outRoot?: string): Promise<{ outfile: string }>;
};

jest.setTimeout(30_000);

const root = path.join(__dirname, '..', '..');

describe('build-app', () => {
  // Inside the repo (tmp/ is ignored) so the bundle finds node_modules at run time, as dist/ does.
  let dir: string;
  beforeAll(() => {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
    dir = fs.mkdtempSync(path.join(root, 'tmp', 'build-spec-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps decorator metadata so Nest injects by constructor type, and bundles @lynx/* libs', async () => {
    fs.writeFileSync(
      path.join(dir, 'main.ts'),
      `import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ERROR_CODES } from '@lynx/schema';

@Injectable()
class Clock { now(): string { return 'tick'; } }

@Injectable()
class Greeter {
  constructor(private readonly clock: Clock) {}
  greet(): string { return 'hello ' + this.clock.now(); }
}

@Module({ providers: [Clock, Greeter] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  console.log(JSON.stringify({ greeting: app.get(Greeter).greet(), codes: Object.keys(ERROR_CODES).length }));
  await app.close();
}
void main();
`,
    );
    const { outfile } = await buildEntry(path.join(dir, 'main.ts'), path.join(dir, 'out', 'main.js'));
    const bundle = fs.readFileSync(outfile, 'utf8');
    expect(bundle).not.toMatch(/require\(["']@lynx\//);
    expect(bundle).toMatch(/require\(["']@nestjs\/core["']\)/); // node_modules stay external
    expect(fs.existsSync(`${outfile}.map`)).toBe(true);
    const out = JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }));
    expect(out.greeting).toBe('hello tick');
    expect(out.codes).toBeGreaterThan(0);
  });

  it('builds the cli app into a runnable file', async () => {
    const { outfile } = await buildApp('cli', path.join(dir, 'apps'));
    expect(execFileSync(process.execPath, [outfile, '--help'], { encoding: 'utf8' })).toMatch(/^Usage: lynx/);
  });

  it('rejects an app that does not exist', async () => {
    await expect(buildApp('no-such-app', path.join(dir, 'apps'))).rejects.toThrow(/apps\/no-such-app\/src\/main.ts does not exist/);
  });
});
