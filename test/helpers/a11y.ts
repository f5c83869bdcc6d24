// Accessibility checks run in the real page: axe-core's rules, and the
// 44×44 px minimum for everything a finger or a pointer must hit.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO } from './paths';

const AXE_SOURCE = fs.readFileSync(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeFinding {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now.
 * The script goes in through the DevTools protocol (page.evaluate), which the
 * kiosk's strict CSP does not govern, so the page under test keeps its CSP.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  await page.evaluate(`${AXE_SOURCE};0`);
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target[0])) }));
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Visible controls smaller than 44×44 CSS px (WCAG 2.5.5); a checkbox counts by its label. */
export async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('button, select, input, a[href], [role="button"]');
    for (const el of Array.from(controls)) {
      const target = el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
      if (r.width < 44 || r.height < 44) out.push(`${el.tagName.toLowerCase()}[data-testid=${el.dataset.testid ?? '?'}] ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}
