import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IStatusBar } from '@jupyterlab/statusbar';

import { addCommands, CommandIDs } from './commands';
import { AppsPanel } from './panel';
import { PreviewTab } from './preview';
import { addHmrStatus } from './statusbar';

/**
 * Previews as first-class JupyterLab citizens: a side panel of apps, preview tabs beside the
 * editor, new apps from the launcher, deploys, the visual editor toggle, and the HMR state of
 * the active preview. Without the palette, status bar, file browser, layout restorer or
 * launcher, the rest still works.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-fastpreview:plugin',
  description: 'Live preview, visual editing and deploys of React + TypeScript apps.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ICommandPalette, IStatusBar, IDefaultFileBrowser, ILayoutRestorer, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null,
    statusBar: IStatusBar | null,
    fileBrowser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    launcher: ILauncher | null
  ) => {
    const run = (command: string, id: string): void => void app.commands.execute(command, { id });
    const panel = new AppsPanel({
      open: target => run(CommandIDs.openPreview, target.id),
      deploy: target => run(CommandIDs.deploy, target.id),
      openDeployment: target => run(CommandIDs.openDeployment, target.id)
    });
    shell.add(panel, 'right', { rank: 900 });
    const tracker = new WidgetTracker<PreviewTab>({ namespace: 'fastpreview' });
    addCommands({ app, shell, panel, tracker, palette, fileBrowser, launcher });
    if (statusBar) {
      addHmrStatus(statusBar, shell);
    }
    if (restorer) {
      restorer.add(panel, 'jupyter-fastpreview:panel');
      // A reopened tab registers its folder again, so it outlives a change of the app's id.
      void restorer.restore(tracker, {
        command: CommandIDs.openPreview,
        args: tab => ({ path: tab.content.app.folder }),
        name: tab => tab.content.app.folder
      });
    }
  }
};

export default plugin;
