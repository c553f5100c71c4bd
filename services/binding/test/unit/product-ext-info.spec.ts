import { readProductExtInfo } from '../../src/products/product-ext-info';

describe(readProductExtInfo.name, () => {
  it.each<[string | undefined, { scene: string | null; storeId: string | null }]>([
    [undefined, { scene: null, storeId: null }],
    ['   ', { scene: null, storeId: null }],
    ['m:mirror-1', { scene: 'm:mirror-1', storeId: null }],
    ['AbCdEfGhIjKlMnOpQrStUv', { scene: 'AbCdEfGhIjKlMnOpQrStUv', storeId: null }],
    ['scene=m:mirror-1', { scene: 'm:mirror-1', storeId: null }],
    ['mirror=mirror-2&store=shanghai-01', { scene: 'm:mirror-2', storeId: 'shanghai-01' }],
    ['store=shanghai-01', { scene: null, storeId: 'shanghai-01' }],
    ['scene=abc&mirror=mirror-2', { scene: 'abc', storeId: null }],
  ])('reads %j', (extInfo, expected) => {
    expect(readProductExtInfo(extInfo)).toEqual(expected);
  });

  it.each([
    ['a store id that is not one', 'store=Shanghai 01'],
    ['a mirror id that is not one', 'mirror=Mirror_1'],
    ['a scene over WeChat’s 64 characters', 'x'.repeat(65)],
    ['a scene with spaces', 'batch 2026'],
    ['an empty scene', 'scene='],
  ])('names nothing for %s', (_, extInfo) => {
    expect(readProductExtInfo(extInfo)).toEqual({ scene: null, storeId: null });
  });
});
