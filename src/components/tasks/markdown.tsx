/**
 * Renders user-written markdown (task descriptions, comments, project descriptions) safely:
 * raw HTML is not rendered (react-markdown's default), only http(s) and mailto URLs survive,
 * images are shown as links (no tracking pixels), and links open in a new tab without opener or
 * referrer. Styled with Tailwind through `components` (no typography plugin).
 */
import type { ComponentProps } from 'react';
import ReactMarkdown, { type Components } from 'react-markdown';
import { cn } from '@/lib/utils';

const SAFE_PROTOCOL = /^(?:https?|mailto):/i;

/** Keeps absolute http(s)/mailto URLs only; everything else (javascript:, data:, relative) is dropped. */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  return SAFE_PROTOCOL.test(trimmed) ? trimmed : '';
}

const components: Components = {
  a: ({ node: _node, href, children, ...props }) =>
    href ? (
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
      <ReactMarkdown components={components} urlTransform={safeUrl} skipHtml>
        {source}
      </ReactMarkdown>
    </div>
  );
}
