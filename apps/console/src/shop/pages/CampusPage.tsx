import { useMemo, useState } from 'react';
import { DotLoading } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { useCampuses } from '../api';
import { ProblemLine } from '../components/ProblemLine';
import { SearchInput } from '../components/SearchInput';
import { useCampus } from '../store';

/** Choosing a campus (first visit, or "change"): searchable by name, code or region; remembered. */
export function CampusPicker({ onChosen }: { onChosen?: () => void }) {
  const { t } = useTranslation();
  const campuses = useCampuses();
  const [current, setCampus] = useCampus();
  const [q, setQ] = useState('');
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const all = campuses.data?.items ?? [];
    return needle
      ? all.filter((c) => [c.name, c.code, c.regionName].some((s) => s.toLowerCase().includes(needle)))
      : all;
  }, [campuses.data, q]);
  return (
    <section className="shop-section" aria-labelledby="campus-title">
      <h2 id="campus-title">{t('shop.campus.choose')}</h2>
      <p className="shop-muted">{t('shop.campus.hint')}</p>
      <SearchInput id="campus-search" label={t('shop.campus.search')} value={q} onChange={setQ} />
      {campuses.isPending && <DotLoading />}
      <ProblemLine error={campuses.error} />
      <ul className="shop-campuses" aria-label={t('shop.campus.choose')}>
        {shown.map((c) => (
          <li key={c.id}>
            <button
              type="button"
              className="shop-choice"
              aria-pressed={current?.id === c.id}
              onClick={() => {
                setCampus({ id: c.id, name: c.name });
                onChosen?.();
              }}
            >
              {c.name}
              <small>{c.regionName}</small>
            </button>
          </li>
        ))}
      </ul>
      {campuses.isSuccess && shown.length === 0 && <p className="shop-muted">{t('shop.campus.none')}</p>}
    </section>
  );
}

export function CampusPage() {
  const navigate = useNavigate();
  return <CampusPicker onChosen={() => navigate('/shop')} />;
}
