import type { RefObject } from "preact";
import { useEffect, useRef } from "preact/hooks";

/**
 * A heading that takes the focus when it appears in place of what was there (a deleted posting, a
 * deleted account): the button that was clicked is gone, and keyboard users should not be lost.
 */
export function useFocusWhenShown<T extends HTMLElement>(shown: boolean): RefObject<T> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);
  return ref;
}
