/** The three tab icons, drawn inline (no icon font or package for three shapes). */
const svg = (d: string) => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" focusable="false">
    <path
      d={d}
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);

export const ShopIcon = () => svg('M4 9h16l-1.5 11h-13L4 9zm4 0V7a4 4 0 0 1 8 0v2');
export const CartIcon = () => svg('M3 4h2l2.2 11h11.3L21 7H6.2M9 20h.01M18 20h.01');
export const OrdersIcon = () => svg('M7 4h10v16H7zM10 8h4M10 12h4M10 16h2');
