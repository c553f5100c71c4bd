/* global jest */
jest.setTimeout(600000);
