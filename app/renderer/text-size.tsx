// The text size a viewer chose (A / A+ / A++): kept for the whole session,
// back to the standard size when the kiosk locks for the next person. It
// scales the root font size, so every rem-sized thing grows with it.
import { createContext, useContext } from 'react';
import { useI18n } from './i18n/context';

export const TEXT_SIZES = ['normal', 'large', 'larger'] as const;
export type TextSize = (typeof TEXT_SIZES)[number];

/** Root font size in px: 20 px at least on every kiosk screen. */
export const ROOT_PX: Record<TextSize, number> = { normal: 20, large: 24, larger: 28 };

const LABEL: Record<TextSize, string> = { normal: 'A', large: 'A+', larger: 'A++' };

export const TextSizeContext = createContext<{ size: TextSize; setSize(s: TextSize): void }>({ size: 'normal', setSize: () => undefined });

export function TextSizeSwitch() {
  const { t } = useI18n();
  const { size, setSize } = useContext(TextSizeContext);
  return (
    <div className="text-size" role="group" aria-label={t('textSize.label')}>
      {TEXT_SIZES.map((s) => (
        <button
          key={s}
          type="button"
          className={`text-size-btn ${s}${s === size ? ' active' : ''}`}
          aria-pressed={s === size}
          aria-label={`${LABEL[s]} ${t(`textSize.${s}`)}`}
          onClick={() => setSize(s)}
          data-testid={`text-size-${s}`}
        >
          {LABEL[s]}
        </button>
      ))}
    </div>
  );
}
