/** Markdown to HTML for the explain view (pure). Raw HTML in the model's answer is escaped. */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false, breaks: false });

// Links may only go to the web or nowhere; markdown-it already refuses javascript:,
// vbscript:, file: and most data: URLs.
const defaultValidate = md.validateLink.bind(md);
md.validateLink = (url: string): boolean => defaultValidate(url) && /^(https?:|#)/i.test(url.trim());

export function renderMarkdown(text: string): string {
  return md.render(text);
}
