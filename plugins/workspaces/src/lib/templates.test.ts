import { aTemplate } from '../__testUtils__/fixtures';
import { exceeds, parseQuantity } from './quantity';
import { findTemplate, templateInfo, templateRef } from './templates';
import { applyTemplate, emptyForm } from './workspaceForm';

describe('templateInfo', () => {
  it('takes defaults from the template and caps at its resources unless annotated', () => {
    const info = templateInfo(aTemplate());
    expect(info).toMatchObject({
      displayName: 'Go backend',
      category: 'backend',
      image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
      defaults: { cpu: '2', memory: '8Gi', storageSize: '20Gi' },
      // max-memory annotation raises memory; cpu and storage stay at the template's values
      limits: { cpu: '2', memory: '16Gi', storageSize: '20Gi' },
    });
  });
});

describe('findTemplate', () => {
  const templates = [
    { namespace: 'butler-system', name: 'go-dev' },
    { namespace: 'team-a', name: 'go-dev' },
    { namespace: 'team-a', name: 'node-dev' },
  ];

  it('finds the template a <namespace>/<name> value names, as the form and the scaffolder write it', () => {
    expect(findTemplate(templates, 'butler-system/go-dev', 'team-a')).toBe(
      templates[0],
    );
    expect(templateRef(templates[1])).toBe('team-a/go-dev');
    expect(findTemplate(templates, 'team-b/go-dev', 'team-a')).toBeUndefined();
  });

  it("reads a bare name (older files) in the workspace's namespace first", () => {
    expect(findTemplate(templates, 'go-dev', 'team-a')).toBe(templates[1]);
    expect(findTemplate(templates, 'go-dev', 'team-b')).toBe(templates[0]);
    expect(findTemplate(templates, 'rust-dev', 'team-a')).toBeUndefined();
    expect(findTemplate(templates, undefined, 'team-a')).toBeUndefined();
  });
});

describe('quantities', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['8Gi', 8 * 2 ** 30],
    ['1e3', 1000],
    ['1.5G', 1.5e9],
    ['abc', undefined],
  ])('parses %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it('compares across units', () => {
    expect(exceeds('2500m', '2')).toBe(true);
    expect(exceeds('16384Mi', '16Gi')).toBe(false);
    expect(exceeds('x', '2')).toBe(false);
  });
});

describe('applyTemplate', () => {
  it("starts a team template's workspace in the team's namespace, keeping one already typed", () => {
    const team = { ...templateInfo(aTemplate()), scope: 'team' };
    expect(applyTemplate(emptyForm(), team).namespace).toBe('butler-system');
    expect(
      applyTemplate(emptyForm({ namespace: 'team-b' }), team).namespace,
    ).toBe('team-b');
    const cluster = { ...team, scope: 'cluster' };
    expect(applyTemplate(emptyForm(), cluster).namespace).toBe('');
  });
});
