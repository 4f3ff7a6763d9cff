// The bpmn-js NavigatedViewer for pages without a kernel (the offline Wissensportal, issue 17).
// Built as a classic script (IIFE) so it also runs from file:// pages:
//
//   <link rel="stylesheet" href="bpmn-viewer.css">
//   <script src="bpmn-viewer.js"></script>
//   <script>WerkbenchBpmn.show(document.getElementById('diagramm'), xmlText);</script>
//
// `WerkbenchBpmn.NavigatedViewer` is the plain bpmn-js class (pan with the mouse, zoom with
// Ctrl + wheel); `show` creates one, imports the XML, fits it and resolves to the viewer.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import germanTranslate from './translate';

export { NavigatedViewer };

export async function show(container, xml, options) {
  const viewer = new NavigatedViewer({
    container, additionalModules: [ germanTranslate ], ...(options || {})
  });
  const result = await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  return { viewer, warnings: result.warnings };
}
