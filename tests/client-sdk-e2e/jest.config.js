module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'client-sdk-e2e',
};
