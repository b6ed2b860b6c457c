import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Report } from './report.js';

interface Case {
  name: string;
  passed: boolean;
  message: string;
  body?: string;
}

/**
 * JUnit XML in the common (Ant) shape most CI systems read: one <testsuite> each for invariants,
 * thresholds and expectations, one <testcase> per check, <failure> on failing ones.
 */
export function renderJunit(report: Report): string {
  const timestamp = report.startedAt.slice(0, 19);
  const suites: [string, Case[]][] = [
    ['invariants', report.invariants.map((i) => ({ name: i.name, passed: i.passed, message: i.details }))],
    ['thresholds', report.thresholds.map((t) => ({ name: t.expression, passed: t.passed, message: `actual ${t.shown}` }))],
    [
      'expectations',
      report.expectations.map((e) => ({ name: `${e.orderId} ${e.name}`, passed: e.passed, message: e.details, body: e.diff?.join('\n') })),
    ],
  ];
  const classBase = `saga-sim.${report.scenario.name}`;
  const body = suites
    .map(([suite, cases], id) => {
      const failures = cases.filter((c) => !c.passed).length;
      const caseXml = cases
        .map((c) => {
          const open = `    <testcase name="${attr(c.name)}" classname="${attr(`${classBase}.${suite}`)}" time="0">`;
          if (c.passed) return `${open}</testcase>`;
          return `${open}\n      <failure type="${suite}" message="${attr(c.message)}">${text(c.body ?? c.message)}</failure>\n    </testcase>`;
        })
        .join('\n');
      return [
        `  <testsuite package="${attr(classBase)}" id="${id}" name="${attr(suite)}" timestamp="${timestamp}" hostname="${attr(hostname() || 'localhost')}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${report.durationSeconds}">`,
        `    <properties>`,
        `      <property name="seed" value="${report.seed}"/>`,
        `      <property name="topology" value="${report.topology}"/>`,
        `      <property name="scenario" value="${attr(report.scenario.file)}"/>`,
        `    </properties>`,
        caseXml,
        `    <system-out>${text(`${report.orders.total} orders, ${report.orders.confirmed} confirmed, ${report.orders.cancelled} cancelled, ${report.orders.failed} failed, ${report.orders.pending} pending`)}</system-out>`,
        `    <system-err></system-err>`,
        `  </testsuite>`,
      ]
        .filter((line) => line !== '')
        .join('\n');
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${body}\n</testsuites>\n`;
}

export async function writeJunit(file: string, report: Report): Promise<void> {
  await writeFile(file, renderJunit(report));
}

// XML 1.0 forbids most control characters even when escaped; drop them.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function text(value: string): string {
  return value.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
