import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where `node tools/build/build-client-sdk.mjs` puts the page: dist/console. */
function consoleDirectory(): string | undefined {
  const candidates = [
    // Bundled apps run from dist/apps/<name>/main.js.
    path.resolve(__dirname, '../../console'),
    path.resolve(process.cwd(), 'dist/console'),
  ];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
}

/**
 * The live console (development only: the module registers this controller only when
 * `liveConsole` is on, never in production). A page built on the client SDK: a pair's price,
 * order book and trades, and with a dev token the user's own notifications.
 */
@Controller('console')
export class LiveConsoleController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): Promise<string> {
    return this.asset('index.html');
  }

  @Get('live-console.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  script(): Promise<string> {
    return this.asset('live-console.js');
  }

  @Get('live-console.js.map')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  sourceMap(): Promise<string> {
    return this.asset('live-console.js.map');
  }

  private async asset(name: string): Promise<string> {
    const dir = consoleDirectory();
    if (!dir) throw new NotFoundException('the live console is not built: run `npm run build` (or `npm start`, which builds it)');
    try {
      // Read on each request so a rebuilt console shows without a restart.
      return await readFile(path.join(dir, name), 'utf8');
    } catch {
      throw new NotFoundException(`console asset ${name} is missing: run \`npm run build\``);
    }
  }
}
