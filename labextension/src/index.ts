import { JupyterFrontEndPlugin } from '@jupyterlab/application';

/**
 * The jupyter-fastpreview frontend plugin.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-fastpreview:plugin',
  description: 'Live preview of React + TypeScript apps in notebooks.',
  autoStart: true,
  activate: () => {
    console.log('jupyter-fastpreview is activated');
  }
};

export default plugin;
