import { useEffect, useState } from 'react';
import { Button, DotLoading } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { useCategories, useProducts } from '../api';
import { ProblemLine } from '../components/ProblemLine';
import { SearchInput } from '../components/SearchInput';
import { ProductCard } from '../components/ProductCard';
import { useCampus } from '../store';
import { CampusPicker } from './CampusPage';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** The catalogue of the chosen campus: search, categories, products in pages (asks for the campus first). */
export function CataloguePage() {
  const [campus] = useCampus();
  if (!campus) return <CampusPicker />;
  return <Catalogue campusId={campus.id} />;
}

function Catalogue({ campusId }: { campusId: string }) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim(), 300);
  const [category, setCategory] = useState('');
  const categories = useCategories();
  const products = useProducts(campusId, q, category);
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="products-title">
      <div className="shop-toolbar">
        <SearchInput
          id="product-search"
          label={t('shop.catalogue.search')}
          value={typed}
          onChange={setTyped}
        />
        <div className="shop-categories" role="group" aria-label={t('shop.catalogue.categories')}>
          {[{ category: '', products: 0 }, ...(categories.data?.items ?? [])].map((c) => (
            <button
              key={c.category || 'all'}
              type="button"
              className="shop-chip"
              aria-pressed={category === c.category}
              onClick={() => setCategory(c.category)}
            >
              {c.category || t('shop.catalogue.all')}
            </button>
          ))}
        </div>
      </div>
      <h2 id="products-title" className="sr-only">
        {t('shop.catalogue.products')}
      </h2>
      <ProblemLine error={products.error} />
      {products.isPending && (
        <p className="shop-section">
          <DotLoading />
        </p>
      )}
      <ul className="shop-products" data-testid="products">
        {items.map((p) => (
          <ProductCard key={p.sku} product={p} />
        ))}
      </ul>
      {products.isSuccess && items.length === 0 && (
        <p className="shop-section shop-muted">{t('shop.catalogue.empty')}</p>
      )}
      {products.hasNextPage && (
        <div className="shop-section">
          <Button block loading={products.isFetchingNextPage} onClick={() => void products.fetchNextPage()}>
            {t('shop.catalogue.more')}
          </Button>
        </div>
      )}
    </section>
  );
}
