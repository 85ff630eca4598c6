/**
 * Drag-and-drop of checkpoint files onto any part of the page: while files are dragged over it a
 * hint covers the page, and a drop opens each as a checkpoint (bad ones show their error as a
 * notice; nothing else changes). The file picker in the Runs workspace is the keyboard path.
 */
import { useEffect, useState } from 'react';
import { useLabApi } from '../share/useLabApi';
import { openCheckpointFiles } from './openFiles';

const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;

export function CheckpointDrop() {
  const store = useLabApi();
  const [over, setOver] = useState(false);
  useEffect(() => {
    // dragenter/dragleave fire for every child crossed: count them to know when the drag left the page.
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth += 1;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const dragOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // the browser would navigate to the file
      depth = 0;
      setOver(false);
      void openCheckpointFiles(store, e.dataTransfer?.files ?? []);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragOver);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragOver);
      window.removeEventListener('drop', drop);
    };
  }, [store]);
  if (!over) return null;
  return (
    <div className="ckpt-drop" data-testid="ckpt.drop" aria-hidden="true">
      Drop a checkpoint (<code>.ckpt.json</code>) to open it
    </div>
  );
}
