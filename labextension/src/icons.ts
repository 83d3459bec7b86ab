import { LabIcon } from '@jupyterlab/ui-components';

/** A window with a lightning bolt: the side panel's tab and the preview tabs. */
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <path class="jp-icon3" fill="#616161" fill-rule="evenodd"
    d="M4 3h16a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zM4 7v12h16V7zM13.5 8 8 14.5h3.5L10.5 19 16 12.5h-3.5z"/>
</svg>`;

export const fastPreviewIcon = new LabIcon({ name: 'jupyter-fastpreview:icon', svgstr: SVG });
