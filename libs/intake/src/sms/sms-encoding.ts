/**
 * How long a text is on the air. A text made only of GSM 03.38 characters is sent as GSM-7
 * (160 septets per single message; the extension characters take two); anything else (Chinese)
 * goes as UCS-2 (70 UTF-16 units per single message).
 */
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

export const SINGLE_SMS = { 'GSM-7': 160, 'UCS-2': 70 } as const;

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  units: number;
}

export function smsSize(text: string): SmsSize {
  let septets = 0;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else return { encoding: 'UCS-2', units: text.length };
  }
  return { encoding: 'GSM-7', units: septets };
}

/** Whether the text goes out as one single SMS. */
export function fitsOneSms(text: string): boolean {
  const size = smsSize(text);
  return size.units <= SINGLE_SMS[size.encoding];
}

/** The first candidate that fits one SMS, else the shortest one (it will go out in parts). */
export function firstThatFits(candidates: readonly string[]): string {
  const fitting = candidates.find(fitsOneSms);
  if (fitting !== undefined) return fitting;
  return candidates.reduce((a, b) => (smsSize(b).units < smsSize(a).units ? b : a));
}
