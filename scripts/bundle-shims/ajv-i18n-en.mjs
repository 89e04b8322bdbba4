// ajv-i18n as the CLI bundle carries it: @kubernetes-models/validate calls only `localize.en`
// (the messages of a rendered object that fails its kind's schema); the other languages are
// 150 KB that every `nestor render` would load for nothing.
import en from 'ajv-i18n/localize/en/index.js';

export default { en };
