// The email for a notification: subject, plain-text and HTML bodies from one small template
// (pure). Everything that comes from users or events is escaped in the HTML part.

export interface EmailInput {
  recipientName: string;
  title: string;
  body: string;
  createdAt: Date;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Header-safe subject: one line, bounded. */
function subjectOf(title: string): string {
  const line = title.replace(/[\r\n\t]+/g, ' ').trim();
  return `[ELWOSA] ${line.length > 150 ? `${line.slice(0, 149)}…` : line}`;
}

const FOOTER = 'You get this email because of your ELWOSA notification preferences; change them in the app.';

export function renderEmail(input: EmailInput): EmailContent {
  const when = input.createdAt.toISOString();
  const text = [
    `Hello ${input.recipientName},`,
    '',
    input.title,
    '',
    input.body,
    '',
    `(${when})`,
    '',
    '--',
    FOOTER,
    '',
  ].join('\n');
  const paragraphs = input.body
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title></head>
<body style="font-family: sans-serif; line-height: 1.4">
<p>Hello ${escapeHtml(input.recipientName)},</p>
<h2>${escapeHtml(input.title)}</h2>
${paragraphs}
<p style="color: #666"><small>${escapeHtml(when)}</small></p>
<hr><p style="color: #666"><small>${escapeHtml(FOOTER)}</small></p>
</body></html>
`;
  return { subject: subjectOf(input.title), text, html };
}
