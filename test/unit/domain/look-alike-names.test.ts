import { describe, expect, it } from 'vitest';
import { checkLookAlike, foldConfusables } from '../../../src/domain/look-alike-names.js';

describe('look-alike names (issue 8 item 3)', () => {
  it('reads Cyrillic and Greek look-alikes as the Latin letters they imitate', () => {
    expect(foldConfusables('Northshire Hospit\u0430ls NHS Foundation Trust')).toBe('Northshire Hospitals NHS Foundation Trust');
    expect(foldConfusables('\u039D\u043Erthshire Hospitals')).toBe('Northshire Hospitals');
    expect(foldConfusables('Hosp\u0131tals')).toBe('Hospitals');
  });

  it('flags names that mix scripts, and names that only read the same once folded', () => {
    expect(checkLookAlike('Northshire Hospit\u0430ls NHS Foundation Trust')).toMatchObject({ mixedScripts: true, folds: true, scripts: ['Cyrillic', 'Latin'] });
    expect(checkLookAlike('\u039D\u043Erthshire Hospitals')).toMatchObject({ mixedScripts: true, scripts: ['Cyrillic', 'Greek', 'Latin'] });
    expect(checkLookAlike('\u0410\u0421\u041C\u0415')).toMatchObject({ mixedScripts: false, folds: true, folded: 'ACME' });
  });

  it('leaves real names alone, in any one script or the mixes Unicode allows', () => {
    for (const name of ['Ysbyty Cymuned Dyffryn Ŵy', "Guy's and St Thomas'", 'Café Santé Clinic', '社区诊所 Northtown', '東京クリニック', 'Leeds Teaching Hospitals (RR8)', '𝐍𝐨𝐫𝐭𝐡 Hub']) {
      const check = checkLookAlike(name);
      expect(check.mixedScripts).toBe(false);
      expect(check.folds).toBe(false);
    }
  });
});
