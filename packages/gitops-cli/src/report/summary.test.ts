import { describeSummary } from './summary';

describe('describeSummary', () => {
  it('counts files checked and invalid', () => {
    expect(describeSummary({ filesChecked: 0, invalidFiles: 0 })).toBe(
      '0 files checked, 0 invalid',
    );
    expect(describeSummary({ filesChecked: 12, invalidFiles: 3 })).toBe(
      '12 files checked, 3 invalid',
    );
  });
});
