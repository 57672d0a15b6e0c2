import { useTranslation } from 'react-i18next';

/**
 * A quantity with − and + (an accessible stand-in for antd-mobile's Stepper, whose input has no
 * label): typed values are clamped to [min, max].
 */
export function Quantity({
  id,
  label,
  value,
  min,
  max,
  onChange,
}: {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
}) {
  const { t } = useTranslation();
  const set = (v: number) => onChange(Math.max(min, Math.min(max, Math.floor(v))));
  return (
    <div className="shop-qty">
      <button
        type="button"
        aria-label={t('shop.qty.decrease')}
        disabled={value <= min}
        onClick={() => set(value - 1)}
      >
        −
      </button>
      <input
        id={id}
        aria-label={label}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        onChange={(e) => {
          const n = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(n)) set(n);
        }}
      />
      <button
        type="button"
        aria-label={t('shop.qty.increase')}
        disabled={value >= max}
        onClick={() => set(value + 1)}
      >
        +
      </button>
    </div>
  );
}
