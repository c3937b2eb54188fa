/**
 * Renders user-written markdown (task descriptions, comments, project descriptions) safely:
 * raw HTML is not rendered (react-markdown's default), only http(s) and mailto URLs survive,
 * images are shown as links (no tracking pixels), and links open in a new tab without opener or
 * referrer. Styled with Tailwind through `components` (no typography plugin).
 *
 * @mention tokens `@[Name](user:<id>)` (src/lib/mentions.ts) render as a highlighted name: the
 * token becomes a `user:` link (the only non-web scheme let through, and only with a uuid), which
 * the `a` component renders as a span — never a navigable link.
 */
import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import { MENTION_PATTERN } from '@/lib/mentions';
import { cn } from '@/lib/utils';

const SAFE_PROTOCOL = /^(?:https?|mailto):/i;

/** Keeps absolute http(s)/mailto URLs only; everything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  return SAFE_PROTOCOL.test(trimmed) ? trimmed : '';
}

const MENTION_URL = /^user:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `safeUrl`, plus the `user:<uuid>` target of a mention token. */
function markdownUrl(url: string): string {
  return MENTION_URL.test(url.trim()) ? url.trim() : safeUrl(url);
}

/** `@[Name](user:id)` → `[@Name](user:id)`: the @ goes inside the highlighted mention. */
function withMentions(source: string): string {
  return source.replace(MENTION_PATTERN, (_token, name: string, id: string) => `[@${name}](user:${id})`);
}

const components: Components = {
  a: ({ node: _node, href, children, ...props }) =>
    href && MENTION_URL.test(href) ? (
      <span data-mention={href.slice(5)} className="rounded bg-primary/15 px-1 font-medium text-primary">
        {children}
      </span>
    ) : href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-primary underline underline-offset-2 hover:opacity-80">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // An image would load a third-party URL on view; show it as a link instead.
  img: ({ src, alt }) =>
    typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow" className="text-primary underline underline-offset-2">
        {alt || src}
      </a>
    ) : null,
  h1: ({ node: _node, ...props }) => <h3 className="mt-3 mb-1 text-base font-semibold first:mt-0" {...props} />,
  h2: ({ node: _node, ...props }) => <h4 className="mt-3 mb-1 text-sm font-semibold first:mt-0" {...props} />,
  h3: ({ node: _node, ...props }) => <h5 className="mt-2 mb-1 text-sm font-semibold first:mt-0" {...props} />,
  h4: ({ node: _node, ...props }) => <h6 className="mt-2 mb-1 text-sm font-medium first:mt-0" {...props} />,
  h5: ({ node: _node, ...props }) => <h6 className="mt-2 mb-1 text-sm font-medium first:mt-0" {...props} />,
  h6: ({ node: _node, ...props }) => <h6 className="mt-2 mb-1 text-sm font-medium first:mt-0" {...props} />,
  p: ({ node: _node, ...props }) => <p className="my-2 leading-relaxed first:mt-0 last:mb-0" {...props} />,
  ul: ({ node: _node, ...props }) => <ul className="my-2 list-disc space-y-1 pl-5" {...props} />,
  ol: ({ node: _node, ...props }) => <ol className="my-2 list-decimal space-y-1 pl-5" {...props} />,
  blockquote: ({ node: _node, ...props }) => <blockquote className="my-2 border-l-2 border-border pl-3 text-muted-foreground" {...props} />,
  pre: ({ node: _node, ...props }) => <pre className="my-2 overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs [&_code]:bg-transparent [&_code]:p-0" {...props} />,
  code: ({ node: _node, ...props }) => <code className="rounded bg-muted px-1 py-0.5 font-mono text-[0.85em]" {...props} />,
  hr: () => <hr className="my-3 border-border" />,
  table: ({ node: _node, ...props }) => (
    <div className="my-2 overflow-x-auto">
      <table className="text-left text-xs" {...props} />
    </div>
  ),
  th: ({ node: _node, ...props }) => <th className="border border-border px-2 py-1 font-medium" {...props} />,
  td: ({ node: _node, ...props }) => <td className="border border-border px-2 py-1" {...props} />,
};

export function Markdown({ source, className, ...props }: { source: string } & Omit<ComponentProps<'div'>, 'children'>) {
  return (
    <div className={cn('text-sm break-words', className)} {...props}>
      <ReactMarkdown components={components} urlTransform={markdownUrl} skipHtml>
        {withMentions(source)}
      </ReactMarkdown>
    </div>
  );
}
