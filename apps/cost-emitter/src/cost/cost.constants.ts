/** Nest provider tokens of the cost feature. */
export const COST_CONFIG = 'LYNX_COST_CONFIG';
export const PRICE_BOOK = 'LYNX_PRICE_BOOK';
