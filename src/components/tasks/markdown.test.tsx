import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown, safeUrl } from './markdown';

const html = (source: string) => renderToStaticMarkup(<Markdown source={source} />);

describe('Markdown', () => {
  it('renders **bold** as <strong> and lists as <ul>', () => {
    const out = html('Hello **world**\n\n- one\n- two');
    expect(out).toContain('<strong>world</strong>');
    expect(out).toMatch(/<ul[^>]*>/);
    expect(out.match(/<li>/g)).toHaveLength(2);
  });

  it('does not render raw HTML (script, img onerror)', () => {
    const out = html('before <script>alert(1)</script> <img src=x onerror="alert(2)"> after\n\n<div onclick="x()">block</div>');
    expect(out).not.toContain('<script');
    expect(out).not.toMatch(/<img/i);
    expect(out).not.toMatch(/onerror=/i);
    expect(out).not.toMatch(/onclick=/i);
    expect(out).toContain('before');
  });

  it('drops javascript: and data: links but keeps http(s) and mailto', () => {
    const out = html('[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](data:text/html,hi) [ok](https://example.com/a) [mail](mailto:a@example.com)');
    expect(out).not.toMatch(/javascript:/i);
    expect(out).not.toContain('data:text');
    expect(out).toContain('href="https://example.com/a"');
    expect(out).toContain('href="mailto:a@example.com"');
  });

  it('opens links in a new tab without opener, referrer or follow', () => {
    const out = html('<https://example.com>');
    expect(out).toContain('target="_blank"');
    expect(out).toContain('rel="noopener noreferrer nofollow"');
  });

  it('shows images as links rather than loading them', () => {
    const out = html('![pixel](https://tracker.example/p.gif) ![bad](javascript:alert(1))');
    expect(out).not.toMatch(/<img/i);
    expect(out).toContain('href="https://tracker.example/p.gif"');
    expect(out).not.toMatch(/javascript:/i);
  });

  it('safeUrl keeps only http(s) and mailto', () => {
    expect(safeUrl('https://a.example')).toBe('https://a.example');
    expect(safeUrl('  http://a.example ')).toBe('http://a.example');
    expect(safeUrl('mailto:x@y.z')).toBe('mailto:x@y.z');
    expect(safeUrl('javascript:alert(1)')).toBe('');
    expect(safeUrl('/relative')).toBe('');
    expect(safeUrl('vbscript:x')).toBe('');
  });

  it('renders a mention token as a highlighted name, never a link; a forged user: link with no uuid is dropped', () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const out = html(`Hi @[Ann Lee](user:${id}) and [evil](user:javascript:alert(1))`);
    expect(out).toContain(`<span data-mention="${id}"`);
    expect(out).toContain('@Ann Lee</span>');
    expect(out).not.toContain('href="user:');
    expect(out).not.toMatch(/javascript:/i);
  });
});
