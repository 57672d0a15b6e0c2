import type { ReactNode } from 'react';
import { Tag } from 'antd';

/**
 * Tag colours with dark text on a pale fill (every pair ≥ 6.5:1): antd's preset tags (gold, cyan,
 * green, volcano) put mid-tone text on a pale fill and fail WCAG AA contrast.
 */
const TONES = {
  gold: ['#874d00', '#fffbe6', '#ffe58f'],
  green: ['#135200', '#f6ffed', '#b7eb8f'],
  cyan: ['#00474f', '#e6fffb', '#87e8de'],
  blue: ['#003eb3', '#e6f4ff', '#91caff'],
  geekblue: ['#10239e', '#f0f5ff', '#adc6ff'],
  purple: ['#391085', '#f9f0ff', '#d3adf7'],
  volcano: ['#871400', '#fff2e8', '#ffbb96'],
  red: ['#820014', '#fff1f0', '#ffa39e'],
  default: ['#595959', '#fafafa', '#d9d9d9'],
} as const;
export type Tone = keyof typeof TONES;

/** Secondary text that still reads at 7:1 on white (antd's "secondary" grey is 4.0:1). */
export const MUTED = '#595959';

export function ToneTag({
  tone,
  children,
  ...rest
}: {
  tone: Tone;
  children: ReactNode;
  'data-testid'?: string;
}) {
  const [color, background, borderColor] = TONES[tone];
  return (
    <Tag style={{ color, background, borderColor }} {...rest}>
      {children}
    </Tag>
  );
}
