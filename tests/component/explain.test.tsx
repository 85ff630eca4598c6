// @vitest-environment jsdom
/** The explain popover: closed it builds nothing; it opens on focus (not only hover) and is announced. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Explain } from '../../app/components/explain/Explain';
import { explainWeight, gridOf } from '../../app/components/explain/formulas';

afterEach(cleanup);

describe('Explain', () => {
  it('builds its content only when opened, on focus, and links it with aria-describedby', () => {
    let built = 0;
    const explain = () => {
      built += 1;
      return explainWeight({
        x: 0.23,
        s: 0.1,
        z: 0,
        grid: gridOf(3, true, 'weight'),
        symmetric: true,
        estimator: { name: 'ste' },
      });
    };
    render(
      <Explain explain={explain} testId="t">
        2
      </Explain>,
    );
    const trigger = screen.getByTestId('t');
    expect(built).toBe(0);
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(trigger.getAttribute('aria-describedby')).toBeNull();

    fireEvent.focus(trigger);
    const tip = screen.getByRole('tooltip');
    expect(trigger.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.textContent).toContain('x̂ = 0.1·(2 − 0) = 0.2');
    expect(built).toBeGreaterThan(0);

    fireEvent.keyDown(trigger, { key: 'Escape' });
    expect(screen.queryByRole('tooltip')).toBeNull();
  });

  it('an "i" badge is named by its label and opens on hover too', () => {
    render(
      <Explain explain={() => 'Pixels are scaled to [0, 1].'} label="About the input scale" testId="i" />,
    );
    const trigger = screen.getByRole('button', { name: 'About the input scale' });
    fireEvent.mouseEnter(trigger.parentElement!);
    expect(screen.getByRole('tooltip').textContent).toBe('Pixels are scaled to [0, 1].');
  });
});
