// German UI through the bpmn-js translate module: every palette, context pad, popup menu and
// message string goes through `translate(template, replacements)`.
import de from './i18n/de.json';

// Strings asked for that have no German text (the browser tests assert this stays empty).
export const missingTranslations = new Set();

export function translateGerman(template, replacements) {
  const values = replacements || {};
  let text = de[template];
  if (text === undefined) {
    missingTranslations.add(template);
    text = template;
  }
  return text.replace(/{([^}]+)}/g, (whole, key) => (key in values ? values[key] : whole));
}

export default {
  translate: [ 'value', translateGerman ]
};
